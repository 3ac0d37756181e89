mod append;
mod get;
mod getex;
mod incr;
mod mget;
mod mset;
mod range;
mod set;
