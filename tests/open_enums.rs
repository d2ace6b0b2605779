//! Enumerations the API extends over time decode values the spec does not list, and
//! send them back unchanged.

use integrator_io::types::{ErrorSource, FlowError, Job, JobStatus, JobType};
use serde_json::json;

#[test]
fn documented_values_decode_to_their_variants() {
    let job: Job =
        serde_json::from_value(json!({"_id": "j1", "status": "canceled", "type": "bulk_retry"}))
            .unwrap();
    assert_eq!(job.status.value(), Some(&JobStatus::Canceled));
    assert_eq!(job.type_.value(), Some(&JobType::BulkRetry));
    assert_eq!("queued".parse::<JobStatus>().unwrap(), JobStatus::Queued);
    assert_eq!(JobStatus::Completed.to_string(), "completed");
    assert!(JobStatus::KNOWN.contains(&"retrying"));
}

#[test]
fn values_the_spec_does_not_list_decode_as_unknown_and_round_trip() {
    let sent = json!({"_id": "j2", "status": "paused_by_governance", "type": "replay"});
    let job: Job = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(
        job.status.value(),
        Some(&JobStatus::Unknown("paused_by_governance".into()))
    );
    assert!(job.type_.value().unwrap().is_unknown());
    assert_eq!(serde_json::to_value(&job).unwrap(), sent);

    let error: FlowError =
        serde_json::from_value(json!({"errorId": "e1", "source": "quantum"})).unwrap();
    assert_eq!(
        error.source.value().map(ErrorSource::as_str),
        Some("quantum")
    );
}

#[test]
fn open_enums_accept_any_string_in_their_json_schema() {
    let schema = schemars::schema_for!(JobStatus);
    let value = serde_json::to_value(&schema).unwrap();
    assert_eq!(value["type"], "string");
    assert!(
        value.get("enum").is_none(),
        "a closed enum in the schema would reject new values: {value}"
    );
}
