//! The wire: parsing requests, encoding replies.

mod parser;
mod reply;

pub use parser::{split_args, Limits, ProtocolError, RequestParser};
pub use reply::Reply;
