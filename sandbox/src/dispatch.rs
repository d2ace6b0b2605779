//! [`Call`] (one matched request) and the table from operationId to handler.

use serde_json::{Map, Value};

use super::app::App;
use super::reply::Reply;
use super::router::Route;
use super::{
    access_tokens, account_views, connections, error_triage, errors_em, integration_children,
    integration_clone, job_actions, jobs, json_patch, lookup_caches, recycle_bin, resource_extras,
    resource_links, resources, state_keys, syncs, users, virtual_export,
};

/// One request, matched to its operation, with its body parsed and validated.
pub(crate) struct Call<'a> {
    /// The sandbox.
    pub(crate) app: &'a App,
    /// The operation.
    pub(crate) route: &'a Route,
    /// Path parameters, decoded.
    pub(crate) path: Vec<(String, String)>,
    /// Query parameters, decoded, in order.
    pub(crate) query: Vec<(String, String)>,
    /// The JSON body, when the operation takes one and it was sent.
    pub(crate) body: Option<Value>,
    /// The request path after `/v1` (for `Link` and `nextPageURL`).
    pub(crate) request_path: String,
}

impl Call<'_> {
    /// A path parameter (`""` if the template has none of that name).
    pub(crate) fn param(&self, name: &str) -> &str {
        self.path
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The first value of a query parameter.
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as an object (an empty one when none was sent); `422` if it is not one.
    pub(crate) fn body_object(&self) -> Result<Map<String, Value>, Reply> {
        match &self.body {
            None => Ok(Map::new()),
            Some(Value::Object(map)) => Ok(map.clone()),
            Some(_) => Err(Reply::unprocessable(
                "invalid_body",
                "",
                "The request body must be a JSON object.",
            )),
        }
    }

    /// A string field of the JSON body.
    pub(crate) fn body_str(&self, field: &str) -> Option<&str> {
        self.body.as_ref()?.get(field)?.as_str()
    }

    /// The strings of an array field of the JSON body (none when absent).
    pub(crate) fn body_strings(&self, field: &str) -> Vec<String> {
        self.body
            .as_ref()
            .and_then(|b| b.get(field))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// The `_userId` of the caller.
    pub(crate) fn user(&self) -> &str {
        &self.app.user_id
    }
}

/// The first segment of the path template (`/exports/{id}` → `exports`).
fn collection_of(template: &str) -> &str {
    template
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
}

/// Answers one request.
pub(crate) fn dispatch(call: &Call<'_>) -> Reply {
    let op = &call.route.op;
    let template = op.path.as_str();
    let collection = collection_of(template);
    let id = call.param("id");
    match op.id.as_str() {
        "getTokenInfo" => Reply::json(
            200,
            &serde_json::json!({"_userId": call.user(), "scope": "*"}),
        ),

        // Connections beyond CRUD.
        "pingConnection" => connections::ping(call, id),
        "pingVirtualConnection" => connections::ping_virtual(call),
        "getConnectionDebugLog" => connections::debug_log(call, id, None),
        "getConnectionResourceDebugLog" => {
            connections::debug_log(call, id, Some(call.param("resourceId")))
        }
        "runVirtualExport" => virtual_export::run(call, id),
        "runPagedVirtualExport" => virtual_export::run_paged(call, id),
        "runVirtualImport" => connections::virtual_import(call, id),
        "mapVirtualImport" => connections::map_virtual_import(call, id),
        "getConnectionOAuth2Authorization" => connections::oauth2(call, id),

        // Exports, integrations, connectors beyond CRUD.
        "cloneIntegration" => integration_clone::clone(call, id),
        "getExportDistributed" => resource_extras::get_distributed(call, id),
        "updateExportDistributed" => resource_extras::put_distributed(call, id),
        "listIntegrationInstallSteps" => resource_extras::steps(call, id, "install"),
        "listIntegrationUninstallSteps" => resource_extras::steps(call, id, "uninstall"),
        "submitIntegrationInstallStep" => resource_extras::submit_step(call, id, "install", 200),
        "submitIntegrationUninstallStep" => {
            resource_extras::submit_step(call, id, "uninstall", 201)
        }
        "listConnectorInstallBase" => resource_extras::install_base(call, id),
        "pushConnectorUpdate" => resource_extras::push_update(call, id),

        // Connector licenses: a collection nested under its connector.
        "listConnectorLicenses" => resources::list_licenses(call, id),
        "createConnectorLicense" => resources::create_license(call, id),
        "getConnectorLicense" => resources::get_license(call, id, call.param("licenseId")),
        "updateConnectorLicense" => resources::update_license(call, id, call.param("licenseId")),
        "deleteConnectorLicense" => resources::delete_license(call, id, call.param("licenseId")),

        // Flows: runs, and EM 2.0 errors per step.
        "runFlow" => jobs::run_flow(call, id),
        "listFlowErrors" => errors_em::list(call),
        "resolveFlowErrors" => errors_em::resolve(call),
        "retryFlowErrors" => errors_em::retry(call),
        "getFlowErrorRetryData" => errors_em::get_retry_data(call),
        "updateFlowErrorRetryData" => errors_em::put_retry_data(call),

        // Jobs.
        "listJobs" => jobs::list(call),
        "getJob" => jobs::get(call, id),
        "listJobErrors" => jobs::errors(call, id),
        "getJobErrorFileUrl" => jobs::error_file_url(call, id),

        // State.
        "listStateKeys" => state_keys::list(call, None),
        "deleteAllState" => state_keys::delete_all(call, None),
        "getStateValue" => state_keys::get(call, None),
        "setStateValue" => state_keys::set(call, None),
        "deleteStateValue" => state_keys::delete(call, None),
        "listResourceStateKeys" => state_keys::list(call, Some(call.param("resourceType"))),
        "deleteAllResourceState" => state_keys::delete_all(call, Some(call.param("resourceType"))),
        "getResourceStateValue" => state_keys::get(call, Some(call.param("resourceType"))),
        "setResourceStateValue" => state_keys::set(call, Some(call.param("resourceType"))),
        "deleteResourceStateValue" => state_keys::delete(call, Some(call.param("resourceType"))),

        // The current API: see `current_api`.
        _ if op.method == "PATCH" => json_patch::patch(call, collection, id),
        _ => match current_api(call, collection, id) {
            Some(reply) => reply,
            None => collection_shaped(call, collection, id),
        },
    }
}

/// The operations of today's API beyond collection CRUD, or `None`.
fn current_api(call: &Call<'_>, collection: &str, id: &str) -> Option<Reply> {
    Some(match call.route.op.id.as_str() {
        // Integrations: what they hold, registered connections, snapshots.
        "listIntegrationFlows" => integration_children::list(call, id, "flows"),
        "listIntegrationConnections" => integration_children::list(call, id, "connections"),
        "listIntegrationExports" => integration_children::list(call, id, "exports"),
        "listIntegrationImports" => integration_children::list(call, id, "imports"),
        "listIntegrationUsers" => integration_children::list(call, id, "ashares"),
        "registerIntegrationConnections" => integration_children::register(call, id, None),
        "registerIntegrationConnection" => {
            integration_children::register(call, id, Some(call.param("connectionId")))
        }
        "unregisterIntegrationConnection" => {
            integration_children::unregister(call, id, call.param("connectionId"))
        }
        "createIntegrationSnapshot" => integration_children::snapshot(call, id),

        // Flows, exports, imports: links between resources, one-off runs.
        "getFlowDependencies" | "getExportDependencies" | "getImportDependencies" => {
            resource_links::dependencies(call, collection, id)
        }
        "replaceFlowConnection" | "replaceExportConnection" | "replaceImportConnection" => {
            resource_links::replace_connection(call, collection, id)
        }
        "getFlowTemplate" => resource_links::template(call, id),
        "getFlowRunStats" => resource_links::run_stats(call),
        "invokeExport" | "invokeImport" => resource_links::invoke(call, collection, id),
        "pingConnectionPost" | "testConnection" => connections::ping(call, id),

        // Errors.
        "getFlowErrorSummary" => error_triage::summary(call, id),
        "listResolvedFlowErrors" => errors_em::list_resolved(call),
        "assignFlowErrors" => error_triage::assign(call),
        "tagFlowErrors" => error_triage::tag(call),

        // Jobs and syncs.
        "listLatestFlowJobs" => job_actions::latest(call, "flows", "_flowId", id),
        "listLatestIntegrationJobs" => {
            job_actions::latest(call, "integrations", "_integrationId", id)
        }
        "listCurrentJobs" => job_actions::current(call),
        "cancelJob" => job_actions::cancel(call, id),
        "getJobDiagnostics" => job_actions::diagnostics(call, id),
        "listJobErrorsCurrent" => jobs::errors(call, id),
        "getJobFileUrls" => job_actions::file_urls(call, id),
        "runSync" => syncs::run(call),
        "getSyncJob" => syncs::get(call),
        "listSyncJobs" => syncs::list(call),
        "listSyncJobFamily" => syncs::family(call),
        "cancelSyncJobs" => syncs::cancel_all(call),
        "cancelSyncJob" => syncs::cancel(call),

        // Lookup caches.
        "deleteLookupCache" => lookup_caches::delete(call, id),
        "getLookupCacheData" => lookup_caches::get_data(call, id),
        "upsertLookupCacheData" => lookup_caches::upsert(call, id),
        "deleteLookupCacheKeys" => lookup_caches::delete_keys(call, id),
        "purgeLookupCacheData" => lookup_caches::purge(call, id),

        // Users and tokens.
        "inviteUser" => users::invite(call, false),
        "inviteUsers" => users::invite(call, true),
        "updateUser" => users::update(call, id),
        "toggleUserDisabled" => users::toggle_disabled(call, id),
        "reinviteUser" => users::reinvite(call, id),
        "createAccessToken" => access_tokens::create(call),
        "updateAccessToken" => access_tokens::update(call, id),
        "deleteAccessToken" => access_tokens::delete(call, id),

        // Account-wide.
        "listAuditEntries" => account_views::audit(call),
        "getApplicationMetadata" => account_views::metadata(call),
        "listRecycleBin" => recycle_bin::list(call),
        "restoreFromRecycleBin" => recycle_bin::restore(call),
        "purgeFromRecycleBin" => recycle_bin::purge(call),
        _ => return None,
    })
}

/// An operation with the shape of a resource collection's.
fn collection_shaped(call: &Call<'_>, collection: &str, id: &str) -> Reply {
    let op = &call.route.op;
    let template = op.path.as_str();
    match (op.method.as_str(), template.matches('/').count()) {
        ("GET", 1) => resources::list(call, collection),
        ("POST", 1) => resources::create(call, collection),
        ("GET", 2) => resources::get(call, collection, id),
        ("PUT", 2) => resources::update(call, collection, id),
        ("DELETE", 2) => resources::delete(call, collection, id),
        ("POST", 3) if template.ends_with("/clone") => resources::clone(call, collection, id),
        ("GET", 3) if template.ends_with("/audit") => resources::audit(call, collection, id),
        _ => Reply::error(
            501,
            "not_implemented",
            format!("The sandbox does not serve {} yet.", op.display()),
        ),
    }
}
