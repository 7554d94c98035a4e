//! Readers for the foreign attribute dialects the server ingests: deprecated `gen_ai.*`,
//! OpenInference, OpenLLMetry (Traceloop), Langfuse and Mastra. Each fills only what is still empty,
//! and takes a key only when it used (or repeated) its value.

pub(crate) mod deprecated;
pub(crate) mod langfuse;
pub(crate) mod mastra;
pub(crate) mod openinference;
pub(crate) mod openllmetry;
