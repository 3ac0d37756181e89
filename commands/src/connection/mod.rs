mod echo;
mod ping;
mod quit;
mod select;
