//! `GET /metrics`: the process's metrics in Prometheus text format.
//!
//! The first server to need it installs a Prometheus recorder as the `metrics` facade's
//! global recorder. When the application installed a recorder of its own first, its
//! metrics go there and the server has no `/metrics` route.

use crate::telemetry;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

/// How often recorded histogram samples are folded into their buckets between scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The process's Prometheus recorder, or `None` when another recorder was installed.
pub(crate) fn recorder() -> Option<PrometheusHandle> {
    static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    RECORDER.get_or_init(install).clone()
}

fn install() -> Option<PrometheusHandle> {
    let installed = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(telemetry::RUN_SECONDS.to_owned()),
            telemetry::RUN_SECONDS_BUCKETS,
        )
        .and_then(PrometheusBuilder::install_recorder);
    match installed {
        Ok(handle) => {
            telemetry::describe();
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(upkeep(handle.clone()));
            }
            Some(handle)
        }
        Err(error) => {
            tracing::warn!(%error, "metrics go to the application's recorder; /metrics is not served");
            None
        }
    }
}

async fn upkeep(handle: PrometheusHandle) {
    let mut ticks = tokio::time::interval(UPKEEP_EVERY);
    loop {
        ticks.tick().await;
        handle.run_upkeep();
    }
}

/// `GET /metrics`.
pub(crate) async fn render(State(handle): State<PrometheusHandle>) -> Response {
    telemetry::publish_sampled();
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        handle.render(),
    )
        .into_response()
}
