//! The planner's integration tests, in one binary: the engine through its public interface,
//! and the check mode against the benchmark's independent evaluator.

mod differential;
mod engine;
