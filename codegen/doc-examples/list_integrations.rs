let integrations = client.list_integrations().send().await?;
for integration in integrations.iter() {
    println!("{:?} {:?}", integration.id, integration.name);
}
assert!(!integrations.is_empty());
