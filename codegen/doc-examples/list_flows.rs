use futures::TryStreamExt;

// Every flow of the account, page after page as the stream is read.
let mut flows = client.list_flows().stream();
while let Some(flow) = flows.try_next().await? {
    let steps: Vec<_> = flow.steps().map(|step| step.id).collect();
    println!("{:?}: steps {steps:?}", flow.name);
}
