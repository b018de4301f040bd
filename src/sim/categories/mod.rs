//! The terminal categories. Each folder is one category's table: which shared intents its
//! terminals offer, the intents and skills only it has, and the world it knows.

mod car;
mod earphone;
mod glasses;
mod pc;
mod phone;
mod speaker;
mod tv;

use crate::sim::turn::Category;

/// The table a category id uses; a category without one gets the general intents.
pub fn table(id: &str) -> &'static Category {
    match id {
        "car" => &car::CAR,
        "earphone" => &earphone::EARPHONE,
        "glasses" => &glasses::GLASSES,
        "phone" => &phone::PHONE,
        "speaker" => &speaker::SPEAKER,
        "pc" => &pc::PC,
        "tv" => &tv::TV,
        _ => &crate::sim::general::GENERAL,
    }
}
