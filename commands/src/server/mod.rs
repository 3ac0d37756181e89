mod command;
mod dbsize;
mod flush;
