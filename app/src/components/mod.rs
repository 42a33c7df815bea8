//! Components shared by pages.
pub mod card_table;
pub mod device_check;
pub mod layout;
pub mod session_bar;
