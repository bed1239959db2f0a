//! What the case routes answer (the use cases live in `tongban_app::cases`).

pub mod view;
