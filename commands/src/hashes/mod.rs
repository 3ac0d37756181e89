//! Commands on hashes: one module per command or small family.
