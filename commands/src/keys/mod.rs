mod del;
mod exists;
mod expire;
mod keys;
mod object;
mod rename;
mod scan;
mod ttl;
