//! Commands on sets: one module per command or small family.

mod algebra;
mod members;
mod random;
mod sadd;
mod sscan;
