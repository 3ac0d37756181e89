//! State a capability keeps on the storage thread between commands (the Lua
//! interpreters and their script cache, for one), found by type. The storage
//! thread owns it, so it needs no lock and need not be `Send`; commands reach
//! it through [`Ctx::ext`](super::Ctx).

use std::any::{Any, TypeId};
use std::collections::HashMap;

#[derive(Default)]
pub struct Extensions {
    slots: HashMap<TypeId, Box<dyn Any>>,
}

impl Extensions {
    /// Takes the `T` out, so it can be used alongside the `Ctx` that held it
    /// (a script calls commands through that same `Ctx`); [`put`](Self::put)
    /// gives it back.
    pub fn take<T: Any>(&mut self) -> Option<Box<T>> {
        self.slots
            .remove(&TypeId::of::<T>())
            .map(|b| b.downcast::<T>().expect("slot holds its own type"))
    }

    pub fn put<T: Any>(&mut self, value: Box<T>) {
        self.slots.insert(TypeId::of::<T>(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_one_value_per_type() {
        let mut ext = Extensions::default();
        assert!(ext.take::<u32>().is_none());
        ext.put(Box::new(2u32));
        ext.put(Box::new(String::from("s")));
        let taken = ext.take::<u32>().unwrap();
        assert_eq!(*taken, 2);
        assert!(ext.take::<u32>().is_none());
        ext.put(taken);
        assert_eq!(*ext.take::<u32>().unwrap(), 2);
        assert_eq!(*ext.take::<String>().unwrap(), "s");
    }
}
