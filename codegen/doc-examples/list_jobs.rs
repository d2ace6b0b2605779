let flow = &client.list_flows().send().await?[0];
// Jobs are listed newest first, paged by time; `collect_all` reads every page.
let jobs = client.list_jobs().flow_id(&flow.id).collect_all().await?;
for job in &jobs {
    println!("{:?} {:?} {:?}", job.type_, job.status, job.started_at);
}
