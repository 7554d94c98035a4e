//! The trace explorer: its GraphQL documents against the schema, how the server serves its
//! embedded files, and the page itself in a real headless Chromium.

mod browser;
mod documents;
mod serving;
mod support;
