//! Commands on sets: one module per command or small family.
