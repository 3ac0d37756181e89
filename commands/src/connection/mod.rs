mod auth;
pub(crate) mod client;
mod echo;
mod hello;
mod ping;
mod quit;
mod reset;
mod select;
