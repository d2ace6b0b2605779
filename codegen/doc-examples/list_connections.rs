for connection in client.list_connections().send().await?.iter() {
    // Credentials come back masked ("******"); the client refuses to send a mask back.
    println!("{:?} {:?} offline: {:?}", connection.type_, connection.name, connection.offline);
}
