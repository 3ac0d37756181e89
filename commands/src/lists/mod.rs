//! Commands on lists: one module per command or small family.
