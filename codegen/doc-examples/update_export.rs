// Read, change one field, write back: every other field, known to the spec or not,
// is sent back as it was read.
let id = client.list_exports().send().await?[0].id.clone();
let mut export = client.get_export().id(&id).send().await?.into_inner();
export.description = "Orders since the last run".into();
let saved = client.update_export().id(&id).body(export).send().await?;
assert_eq!(saved.description.as_deref(), Some("Orders since the last run"));
