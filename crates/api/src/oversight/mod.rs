//! Supervision (电子监察) as HTTP speaks it: the response types of the alert, statistics and
//! feed routes (with their OpenAPI schemas), the step body and CSV negotiation. The use cases
//! are `tongban_app::supervision`; the handlers are `routes::supervision`.

pub mod desk;
pub mod feed;
pub mod negotiate;
pub mod stats;
pub mod step_body;
pub mod views;
