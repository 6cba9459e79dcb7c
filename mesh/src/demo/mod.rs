//! Demo and benchmark data: the demo mesh of `make run` ([`seed`], from `seed/demo.yaml`) and generated meshes of
//! any size for benchmarks ([`generate`], `agora seed --products N`).

pub mod generate;
pub mod seed;
