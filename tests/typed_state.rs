//! `Client::state`: typed values under global and per-resource keys, against the
//! sandbox; a key that is not set is `Ok(None)` / `Ok(false)`, a resource that does not
//! exist stays an error.

use integrator_io::types::StateResourceType;
use integrator_io_sandbox::Sandbox;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Cursor {
    page: u32,
    token: Option<String>,
}

#[tokio::test]
async fn global_and_resource_keys_read_back_as_written() {
    let sandbox = Sandbox::builder().seed(true).start().await.unwrap();
    let client = sandbox.client().unwrap();
    let import = &client.list_imports().send().await.unwrap()[0];
    let import_id = String::try_from(&import.id).unwrap();
    let global = client.state();
    let local = client.state().under(StateResourceType::Imports, &import_id);

    assert_eq!(global.get::<Cursor>("cursor").await.unwrap(), None);
    assert_eq!(local.get::<Cursor>("cursor").await.unwrap(), None);
    let first = Cursor {
        page: 1,
        token: None,
    };
    global.set("cursor", &first).await.unwrap();
    local
        .set(
            "cursor",
            &Cursor {
                page: 7,
                token: Some("t".into()),
            },
        )
        .await
        .unwrap();
    local.set("count", &3).await.unwrap();
    assert_eq!(global.get("cursor").await.unwrap(), Some(first));
    assert_eq!(
        local.get::<Cursor>("cursor").await.unwrap().map(|c| c.page),
        Some(7)
    );
    assert_eq!(local.keys().await.unwrap(), ["cursor", "count"]);
    // The seeded account already holds a global key.
    assert_eq!(global.keys().await.unwrap(), ["lastOrderSync", "cursor"]);

    // A value of another shape is a decode error naming the operation.
    let err = local.get::<Cursor>("count").await.unwrap_err();
    assert!(err.to_string().contains("getResourceStateValue"), "{err}");
    assert!(err.to_string().contains("body starts \"3\""), "{err}");

    assert!(local.delete("count").await.unwrap());
    assert!(!local.delete("count").await.unwrap());
    local.clear().await.unwrap();
    assert!(local.keys().await.unwrap().is_empty());
    global.clear().await.unwrap();
    assert_eq!(global.get::<Cursor>("cursor").await.unwrap(), None);
}

#[tokio::test]
async fn a_resource_that_does_not_exist_is_an_error_not_a_missing_key() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let client = sandbox.client().unwrap();
    let gone = client
        .state()
        .under(StateResourceType::Flows, "5a6b7c8d9e0f1a2b3c4d5e6f");
    let err = gone.get::<u32>("cursor").await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert!(gone.delete("cursor").await.unwrap_err().is_not_found());
}

/// Every future the state and step-error helpers return is `Send`.
#[test]
fn the_futures_are_send() {
    fn send<T: Send>(_: T) {}
    let client = integrator_io::Client::builder().token("t").build().unwrap();
    let state = client.state();
    send(state.get::<Cursor>("k"));
    send(state.set("k", &1));
    send(state.delete("k"));
    send(state.keys());
    send(state.clear());
    let errors = client.step_errors("f", "s");
    send(errors.list());
    send(errors.retry(["k"]));
    send(errors.resolve(["e"]));
    send(errors.retry_data("k"));
}
