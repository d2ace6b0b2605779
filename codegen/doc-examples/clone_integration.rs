use std::collections::HashMap;

let original = &client.list_integrations().send().await?[0];
// The copies use an existing connection instead of a copy of this one.
let connections = client.list_connections().send().await?;
let (from, to) = (&connections[0].id, &connections[1].id);
let map = HashMap::from([(String::try_from(from)?, String::try_from(to)?)]);
let copy = client
    .clone_integration()
    .id(&original.id)
    .body_map(|body| body.name("A copy").connection_map(map))
    .send()
    .await?;
// The answer is the new integration.
assert_eq!(copy.name.as_deref(), Some("A copy"));
assert_ne!(copy.id, original.id);
