//! Commands on zsets: one module per command or small family.
