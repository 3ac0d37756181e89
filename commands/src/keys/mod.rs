mod del;
mod exists;
mod expire;
mod object;
mod pattern;
mod rename;
mod scan;
mod ttl;
