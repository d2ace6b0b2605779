//! The generated types as a user meets them: `Nullable` conversions and reads, ids passed
//! straight from one answer to the next call, `PartialEq`/`Eq`, the `Error` helpers, and
//! the generated `Deserialize` (known fields typed, unknown ones kept, serde's rules on
//! missing and repeated fields).

mod support;

use integrator_io::{types, Error, NoValue, Nullable};
use serde_json::{json, Value};
use support::{CaptureServer, Reply};

const ID: &str = "5a6b7c8d9e0f1a2b3c4d5e6f";

#[test]
fn nullable_converts_from_values_options_and_str() {
    let from_str: Nullable<String> = "Orders".into();
    assert_eq!(from_str, Nullable::Value("Orders".to_string()));
    let from_some: Nullable<String> = Some("x".to_string()).into();
    assert_eq!(from_some, Nullable::Value("x".to_string()));
    let from_none: Nullable<String> = None::<String>.into();
    assert_eq!(from_none, Nullable::Absent);
    let from_opt_str: Nullable<String> = Some("y").into();
    assert_eq!(from_opt_str.as_deref(), Some("y"));
    let adaptor: Nullable<types::ExportAdaptorType> = "HTTPExport".into();
    assert_eq!(
        adaptor,
        Nullable::Value(types::ExportAdaptorType::HttpExport)
    );

    // Struct builders take them too.
    let export = types::Export::builder()
        .name("Orders")
        .adaptor_type("HTTPExport")
        .description(None::<String>)
        .page_size(20_i64);
    let export = types::Export::try_from(export).unwrap();
    assert_eq!(
        serde_json::to_value(&export).unwrap(),
        json!({"adaptorType": "HTTPExport", "name": "Orders", "pageSize": 20})
    );
}

#[test]
fn nullable_reads_like_an_option() {
    let value: Nullable<String> = "v".into();
    let null: Nullable<String> = Nullable::Null;
    let absent: Nullable<String> = Nullable::Absent;
    assert!(value.is_value() && !null.is_value() && !absent.is_value());
    assert_eq!(value.as_ref(), Some(&"v".to_string()));
    assert_eq!(value.as_deref(), Some("v"));
    assert_eq!(null.as_deref(), None);
    assert_eq!(null.as_nullable_ref(), Nullable::Null);
    assert_eq!(absent.as_nullable_deref(), Nullable::Absent);
    assert_eq!(value.clone().unwrap_or("d".into()), "v");
    assert_eq!(null.clone().unwrap_or("d".into()), "d");
    assert_eq!(absent.clone().unwrap_or_default(), "");
    assert_eq!(value.clone().map(|s| s.len()), Nullable::Value(1));
    assert_eq!(null.clone().map(|s| s.len()), Nullable::Null);
    assert_eq!(value.clone().into_option(), Some("v".to_string()));
    assert_eq!(
        format!("{value:?} {null:?} {absent:?}"),
        r#""v" Null Absent"#
    );
    let export: types::Export =
        serde_json::from_value(json!({"name": "n", "description": null})).unwrap();
    let debug = format!("{export:?}");
    assert!(debug.contains(r#"name: "n""#), "{debug}");
    assert!(debug.contains("description: Null"), "{debug}");
    assert!(debug.contains("asynchronous: Absent"), "{debug}");
}

#[test]
fn a_nullable_id_without_a_value_is_a_typed_conversion_error() {
    assert_eq!(
        String::try_from(Nullable::<String>::Null),
        Err(NoValue { was_null: true })
    );
    assert_eq!(
        String::try_from(&Nullable::<String>::Absent),
        Err(NoValue { was_null: false })
    );
    assert_eq!(String::try_from(&Nullable::from("a")).as_deref(), Ok("a"));
}

/// `Flow::builder()` gives `builder::Flow`, which a body setter takes as it is; a
/// struct with a required field builds through `body_map` with its `extra` empty.
#[tokio::test]
async fn a_type_builder_goes_straight_into_a_body() {
    let server = CaptureServer::always(Reply::json(201, &json!({"_id": ID}))).await;
    let client = server.client();
    let flow = types::Flow::builder().name("Orders").disabled(true);
    client.create_flow().body(flow).send().await.unwrap();
    let retry = client.retry_flow_errors().flow_id(ID).step_id(ID);
    // Only the body sent matters here (the canned `201` is not retry's status).
    let _ = retry
        .body_map(|b| b.retry_data_keys(vec!["k".to_string()]))
        .send()
        .await;
    let bodies: Vec<Value> = server
        .requests()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            json!({"disabled": true, "name": "Orders"}),
            json!({"retryDataKeys": ["k"]})
        ]
    );
}

#[tokio::test]
async fn a_read_models_id_goes_straight_into_the_next_call() {
    let server = CaptureServer::always(Reply::json(
        200,
        &json!({"_id": ID, "name": "Orders to NetSuite"}),
    ))
    .await;
    let client = server.client();
    let flow = client.get_flow().id(ID).send().await.unwrap().into_inner();
    // By reference and by value.
    let again = client.get_flow().id(&flow.id).send().await.unwrap();
    assert_eq!(*again, flow);
    client.get_flow().id(flow.id.clone()).send().await.unwrap();
    let sent: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(sent, vec![format!("/v1/flows/{ID}"); 3]);

    // An id that is absent is refused before anything is sent.
    let empty = types::Flow::default();
    let err = client.get_flow().id(&empty.id).send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(server.count(), 3);
}

fn assert_eq_trait<T: Eq>() {}

#[test]
fn generated_types_compare() {
    assert_eq_trait::<types::Export>();
    assert_eq_trait::<types::Flow>();
    assert_eq_trait::<types::Job>();
    let body = json!({"_id": ID, "name": "a", "x-unknown": {"n": 1.50}});
    let a: types::Export = serde_json::from_value(body.clone()).unwrap();
    let b: types::Export = serde_json::from_value(body).unwrap();
    assert_eq!(a, b);
    let mut c = b.clone();
    c.name = "b".into();
    assert_ne!(a, c);
    let mut d = b.clone();
    d.extra.insert("x-unknown".into(), json!(2));
    assert_ne!(a, d);
    let mut e = b;
    e.name = Nullable::Null;
    assert_ne!(a, e);
}

#[tokio::test]
async fn error_helpers_tell_404_401_and_429() {
    let cases = [
        (404, "not found"),
        (401, "unauthorized"),
        (429, "rate limited"),
        (500, "other"),
    ];
    for (status, what) in cases {
        let server = CaptureServer::always(
            Reply::json(status, &json!({"errors": [{"code": "x", "message": "y"}]}))
                .with_header("retry-after", "7"),
        )
        .await;
        let err = server
            .client()
            .get_state_value()
            .key("cursor")
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{what}");
        assert_eq!(err.is_not_found(), status == 404, "{what}: {err:?}");
        assert_eq!(err.is_unauthorized(), status == 401, "{what}: {err:?}");
        assert_eq!(err.is_rate_limited(), status == 429, "{what}: {err:?}");
        assert_eq!(
            err.retry_after().map(|d| d.as_secs()),
            (status == 429).then_some(7),
            "{what}"
        );
    }
}

/// Decodes through every serde_json entry point: borrowed bytes, a reader (keys come as
/// transient strings) and a `Value` (keys come as owned strings).
fn decode_all_ways<T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
    json: &str,
) -> Result<T, String> {
    let from_slice = serde_json::from_slice::<T>(json.as_bytes()).map_err(|e| e.to_string());
    let from_reader = serde_json::from_reader::<_, T>(json.as_bytes()).map_err(|e| e.to_string());
    // Error positions differ between the two; the outcomes may not.
    assert_eq!(
        from_slice.as_ref().ok(),
        from_reader.as_ref().ok(),
        "{json}"
    );
    assert_eq!(from_slice.is_ok(), from_reader.is_ok(), "{json}");
    if let Ok(value) = serde_json::from_str::<Value>(json) {
        // (A `Value` has already dropped a repeated key, so only successes compare.)
        let from_value = serde_json::from_value::<T>(value).map_err(|e| e.to_string());
        if let Ok(a) = &from_slice {
            assert_eq!(Some(a), from_value.as_ref().ok(), "{json}");
        }
    }
    from_slice
}

#[test]
fn decoding_keeps_typed_and_unknown_fields_apart() {
    let json = r#"{"_id":"e1","na\u006de":"escaped key","description":null,
        "pageSize":20,"netsuite":{"type":"search","restlet":{"batchSize":200}},
        "http":{"method":"GET","n":12345678901234567890123.000000000000000000001},
        "statistics":{"records":1.10},"adaptorType":"SomethingNew"}"#;
    let export: types::Export = decode_all_ways(json).unwrap();
    assert_eq!(export.id.as_deref(), Some("e1"));
    assert_eq!(export.name.as_deref(), Some("escaped key"));
    assert!(export.description.is_null());
    assert!(export.asynchronous.is_absent());
    assert_eq!(export.page_size, Nullable::Value(20));
    assert_eq!(
        export.adaptor_type.as_ref().map(|a| a.as_str()),
        Some("SomethingNew")
    );
    let netsuite = export.netsuite.value().unwrap();
    assert_eq!(netsuite.extra["restlet"], json!({"batchSize": 200}));
    assert_eq!(
        export.extra.keys().collect::<Vec<_>>(),
        ["http", "statistics"]
    );
    // Numbers in unknown fields keep their exact text.
    let out = serde_json::to_string(&export).unwrap();
    assert!(
        out.contains("12345678901234567890123.000000000000000000001"),
        "{out}"
    );
    assert!(out.contains(r#""records":1.10"#), "{out}");
    // Known fields first, in declaration order, then the unknown ones.
    assert_eq!(
        out,
        r#"{"adaptorType":"SomethingNew","description":null,"_id":"e1","name":"escaped key","netsuite":{"type":"search","restlet":{"batchSize":200}},"pageSize":20,"http":{"method":"GET","n":12345678901234567890123.000000000000000000001},"statistics":{"records":1.10}}"#
    );
    let again: types::Export = serde_json::from_str(&out).unwrap();
    assert_eq!(again, export);
}

#[test]
fn decoding_follows_serdes_rules_on_missing_repeated_and_wrong_fields() {
    // A required field.
    let ok: types::RetryErrorsRequest =
        decode_all_ways(r#"{"retryDataKeys":["a"],"other":1}"#).unwrap();
    assert_eq!(ok.retry_data_keys, ["a"]);
    let missing = decode_all_ways::<types::RetryErrorsRequest>(r#"{"other":1}"#).unwrap_err();
    assert!(
        missing.contains("missing field `retryDataKeys`"),
        "{missing}"
    );
    // A known field twice is an error; an unknown one keeps its last value.
    let twice = decode_all_ways::<types::Export>(r#"{"name":"a","name":"b"}"#).unwrap_err();
    assert!(twice.contains("duplicate field `name`"), "{twice}");
    let unknown_twice: types::Export = decode_all_ways(r#"{"x":1,"x":2}"#).unwrap();
    assert_eq!(unknown_twice.extra["x"], json!(2));
    // Wrong types and shapes are errors, never panics.
    for bad in [
        r#"{"name":1}"#,
        r#"{"pageSize":"20"}"#,
        r#"{"netsuite":[]}"#,
        r#"[]"#,
        r#"null"#,
        r#""export""#,
        r#"{"name":"a""#,
        r#"{"name":"a",}"#,
        r#"{"createdAt":"yesterday"}"#,
    ] {
        let err = decode_all_ways::<types::Export>(bad);
        assert!(err.is_err(), "{bad} decoded: {err:?}");
    }
    let not_an_object = decode_all_ways::<types::Export>("[]").unwrap_err();
    assert!(not_an_object.contains("struct Export"), "{not_an_object}");
}

#[test]
fn unknown_fields_read_change_and_serialize_like_a_map() {
    // Pretty-printed input: the kept text is re-encoded compactly, as a `Value` would be.
    let json = "{ \"name\" : \"n\", \"http\" : { \"method\" : \"GET\",\n \"ids\" : [ 1 , 2.50 ] },\n \"a\": true }";
    let mut export: types::Export = decode_all_ways(json).unwrap();
    assert_eq!(
        serde_json::to_string(&export).unwrap(),
        r#"{"name":"n","a":true,"http":{"ids":[1,2.50],"method":"GET"}}"#
    );
    let expected: serde_json::Map<String, Value> =
        serde_json::from_str(r#"{"a": true, "http": {"method": "GET", "ids": [1, 2.50]}}"#)
            .unwrap();
    assert_eq!(*export.extra, expected);
    assert_eq!(export.extra, integrator_io::Extra::from(expected.clone()));
    assert_eq!(
        (&export.extra)
            .into_iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>(),
        ["a", "http"]
    );
    export.extra.insert("b".into(), json!(null));
    export.extra.remove("a");
    assert_eq!(
        serde_json::to_string(&export).unwrap(),
        r#"{"name":"n","b":null,"http":{"ids":[1,2.50],"method":"GET"}}"#
    );
    let map: serde_json::Map<String, Value> = export.extra.into();
    assert_eq!(map.len(), 2);
}

#[test]
fn unknown_fields_decode_from_other_deserializers_too() {
    let yaml = "name: n\nhttp:\n  method: GET\n  n: 1\nflag: true\nlist: [a, 2]\n";
    let export: types::Export = serde_yaml::from_str(yaml).unwrap();
    assert_eq!(export.name.as_deref(), Some("n"));
    assert_eq!(export.extra["http"], json!({"method": "GET", "n": 1}));
    assert_eq!(export.extra["flag"], json!(true));
    assert_eq!(export.extra["list"], json!(["a", 2]));
    assert_eq!(export.extra.len(), 3);
}
