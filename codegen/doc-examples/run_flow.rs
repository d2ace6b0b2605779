let flow = &client.list_flows().send().await?[0];
let run = client.run_flow().id(&flow.id).send().await?;
// The answer names the flow job; read it for the run's status and counts.
let job = client.get_job().id(&run.job_id).send().await?;
println!("{:?}: {:?} succeeded, {:?} failed", job.status, job.num_success, job.num_error);
