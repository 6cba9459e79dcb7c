//! The open standards Agora reads and writes, so other tools see the same products and contracts: the Open Data
//! Contract Standard ([`odcs`]) and the Open Data Product Standard ([`odps`]).

pub mod odcs;
pub mod odps;
