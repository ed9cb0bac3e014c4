//! The emulator sends Tencent's webhooks to a receiver built with `tencent_im::webhooks`, both in
//! this process: friends made over REST and through the emulator's client-acting control calls
//! (a request left pending and then accepted, one refused by the app's "before" callback), a
//! deletion and a block. Each verified callback is printed as it arrives.
//!
//!     cargo run -p im-examples --example webhooks

use std::time::Duration;

use tencent_im::emulator::control::{ClientFriendAdd, ClientFriendResponse};
use tencent_im::emulator::{AllowType, Emulator, Url};
use tencent_im::friends::{BlackListAdd, DeleteType, FriendAdd, FriendAddItem, FriendDelete};
use tencent_im::webhooks::{
    axum, Event, PrevAnswer, ResponseAction, ResponseFriendItem, Verdict, Verifier, WebhookToken,
    Webhooks,
};
use tencent_im::{accounts::MultiaccountImport, Client};
use tokio::sync::mpsc;

/// The token the emulator signs with and the receiver checks, as set in the console.
const TOKEN: &str = "example-webhook-token";
/// The refusal the app gives requests to `mallory` (any code in [38000, 39000]).
const REFUSED: u32 = 38001;
/// The callbacks the calls below cause.
const EXPECTED: usize = 6;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Starts the receiver on a free loopback port; its callbacks arrive on the returned channel.
async fn receiver(sdkappid: u64) -> Result<(Url, mpsc::UnboundedReceiver<Event>), BoxError> {
    let (sent, events) = mpsc::unbounded_channel();
    let (on_add, on_response) = (sent.clone(), sent.clone());
    let app = Webhooks::new(Verifier::new(sdkappid, WebhookToken::new(TOKEN)?))
        .on_event(move |callback| {
            let _ = sent.send(callback.event);
            async {}
        })
        // The app refuses friend requests to mallory and lets the others through.
        .on_prev_friend_add(move |_query, request| {
            let refusal = Verdict::refuse(REFUSED).unwrap_or(Verdict::ALLOW);
            let answer = request.to_accounts().fold(PrevAnswer::new(), |answer, to| {
                if to == "mallory" {
                    answer.refuse(to, refusal, "mallory takes no requests here")
                } else {
                    answer.allow(to)
                }
            });
            let _ = on_add.send(Event::PrevFriendAdd(request));
            async move { answer }
        })
        .on_prev_friend_response(move |_query, request| {
            let answer = PrevAnswer::allow_all(request.to_accounts());
            let _ = on_response.send(Event::PrevFriendResponse(request));
            async move { answer }
        })
        .router();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = Url::parse(&format!("http://{}/im/callback", listener.local_addr()?))?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((url, events))
}

async fn run() -> Result<(), BoxError> {
    let sdkappid = tencent_im::emulator::DEFAULT_SDKAPPID;
    let (url, mut events) = receiver(sdkappid).await?;
    let emulator = Emulator::builder()
        .sdkappid(sdkappid)
        .webhook(url.clone(), Some(WebhookToken::new(TOKEN)?))
        .start()
        .await?;
    println!(
        "Emulator at {} sends webhooks to {url}",
        emulator.base_url()
    );
    let client: Client = emulator.client()?;
    client
        .call(&MultiaccountImport::new([
            "alice", "bob", "carol", "mallory",
        ]))
        .await?;
    emulator.set_allow_type("bob", AllowType::AllowAny);
    emulator.set_allow_type("mallory", AllowType::AllowAny);

    // REST: bob accepts anyone, so both become friends at once.
    client
        .call(&FriendAdd::new(
            "alice",
            vec![FriendAddItem::new("bob", "AddSource_Type_Web")],
        ))
        .await?;
    // alice's client asks carol (who confirms requests) and mallory (refused by the app).
    let sent = client
        .call(&ClientFriendAdd::new(
            "alice",
            vec![
                FriendAddItem::new("carol", "AddSource_Type_Web"),
                FriendAddItem::new("mallory", "AddSource_Type_Web"),
            ],
        ))
        .await?;
    for item in &sent.results {
        println!(
            "client add alice -> {}: {}",
            item.to_account, item.result_code
        );
    }
    // carol's client accepts and adds alice back.
    client
        .call(&ClientFriendResponse::new(
            "carol",
            vec![ResponseFriendItem::new(
                "alice",
                ResponseAction::AgreeAndAdd,
            )],
        ))
        .await?;
    client
        .call(&FriendDelete::new("alice", ["bob"]).delete_type(DeleteType::Both))
        .await?;
    client
        .call(&BlackListAdd::new("alice", ["mallory"]))
        .await?;

    for _ in 0..EXPECTED {
        let event = tokio::time::timeout(Duration::from_secs(10), events.recv())
            .await
            .map_err(|_| "a webhook did not arrive within 10 s")?
            .ok_or("the receiver stopped")?;
        println!("{}", serde_json::to_string(&event)?);
    }
    let status = emulator.webhook_status();
    println!(
        "{} delivered, {} failed; alice's friends: {:?}",
        status.delivered,
        status.failed,
        emulator.friends_of("alice")
    );
    emulator.shutdown().await;
    Ok(())
}

/// Sends webhooks from the embedded emulator to a receiver in the same process and prints them.
#[derive(clap::Parser)]
#[command(name = "webhooks")]
struct Flags {}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let _: Flags = clap::Parser::parse();
    tencent_im_bulk::cli::init_tracing();
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("webhooks failed: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
