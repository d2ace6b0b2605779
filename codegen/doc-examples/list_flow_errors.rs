use futures::TryStreamExt;

// The open errors of every step of every flow ([`Client::step_errors`] lists, retries
// and resolves them for one step with less to write).
let mut flows = client.list_flows().stream();
while let Some(flow) = flows.try_next().await? {
    for step in flow.steps() {
        let errors = client.list_flow_errors().flow_id(&flow.id).step_id(&step.id);
        for error in errors.collect_all().await? {
            println!("{:?} {:?}: {:?}", step.step_type, error.code, error.message);
        }
    }
}
