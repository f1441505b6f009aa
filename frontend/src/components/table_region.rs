//! Every table sits in a region of its own that scrolls sideways on a narrow screen, so the
//! page never does; the region is named and focusable, so it scrolls by keyboard as well.

use leptos::prelude::*;

/// `table` in its scrolling region, named `label`.
pub fn table_region(label: impl Into<String>, table: impl IntoView) -> impl IntoView {
    view! {
        <div class="table-wrap" role="region" tabindex="0" aria-label=label.into()>
            {table}
        </div>
    }
}
