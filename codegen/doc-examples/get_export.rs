let first = &client.list_exports().send().await?[0];
let export = client.get_export().id(&first.id).send().await?;
assert_eq!(export.name, first.name);

// A missing resource is an error that says so.
let missing = client.get_export().id("5a6b7c8d9e0f1a2b3c4d5e6f").send().await;
assert!(missing.unwrap_err().is_not_found());
