//! Publishing a new version of an item (`PUT /api/v1/items/{code}`): the whole item, checked
//! like an item of the workflow files. The store numbers the version; cases keep the version
//! they were accepted under.

use tongban_core::item::Item;
use tongban_store::items;

use super::{check, code_field, entry_of};
use crate::audit;
use crate::error::AppResult;
use crate::records::{self, to_json};
use crate::validate::Fields;
use crate::App;

/// The version as stored.
#[derive(Debug, Clone)]
pub struct Published {
    pub item: Item,
    /// Version 1 of a code not seen before.
    pub is_new: bool,
}

/// Checks `item` as `publish` would (its code must be `code`, the path's; its `version` is
/// ignored) and answers it as it would be stored, storing nothing: the preview of a version.
pub async fn checked(app: &App, code: &str, item: Item) -> AppResult<Item> {
    let mut fields = Fields::default();
    code_field(&mut fields, "code", &item.code);
    if item.code != code {
        fields.error(
            "code",
            format!("与路径中的事项编码 {code} 不一致"),
            format!("differs from the item code in the path, {code}"),
        );
    }
    fields.finish()?;
    let entry = entry_of(&item)?;
    let config = app.config().await?;
    check::check_item(&config.catalogue.departments, &entry).map_err(check::entry_error)
}

/// Checks `item` (see [`checked`]), stores it as the next version with the `item.put` audit
/// record by `actor`, and reads the configuration again so that this process serves the new
/// version at once.
pub async fn publish(app: &App, actor: &str, code: &str, item: Item) -> AppResult<Published> {
    let mut item = checked(app, code, item).await?;
    let now = app.clock.now();
    let actor = actor.to_owned();
    let stored = app
        .store
        .write(move |conn| {
            // Numbered in the writer, so that two changes at once get two versions.
            let latest = items::latest(conn, &item.code)?;
            let next = latest.map_or(1, |r| r.version + 1);
            item.version = u32::try_from(next).unwrap_or(u32::MAX);
            let record = items::add_version(conn, &records::item_record(&item, now))?;
            tongban_store::audit::append(
                conn,
                &audit::record(
                    now,
                    &actor,
                    "item.put",
                    &item.code,
                    to_json(&serde_json::json!({ "version": record.version })),
                ),
            )?;
            Ok(item)
        })
        .await?;
    app.config().await?;
    Ok(Published {
        is_new: stored.version == 1,
        item: stored,
    })
}
