//! Domain and wire types shared by the server and the phone. Plain data and pure functions:
//! nothing here does I/O, so it compiles for WebAssembly and natively and is tested natively.

pub mod date;
pub mod geo;
pub mod model;
pub mod rules;
pub mod text;
pub mod windows;

pub use date::{Date, Minute, Timestamp, Weekday};
pub use geo::Location;
pub use model::*;
pub use rules::{DueState, IsolationLevel, Rhythm, Timeliness};
