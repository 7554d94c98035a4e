//! Memory and RAG attributes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Str;

/// What a memory span does to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemoryOperation {
    /// Similarity or keyword search.
    Search,
    /// Read by id or recency.
    Get,
    /// Add new records.
    Add,
    /// Change existing records.
    Update,
    /// Insert or update.
    Upsert,
    /// Remove records.
    Delete,
}

/// One record a memory lookup returned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemoryResult {
    /// Record id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Str>,
    /// Record content, when captured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Similarity score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

/// Attributes of a memory lookup span.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemoryLookup {
    /// Memory store or namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_store: Option<Str>,
    /// How the lookup was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<MemoryOperation>,
    /// Search query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Conversation thread.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<Str>,
    /// Resource (user, entity) whose memory was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<Str>,
    /// Maximum number of results asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u64>,
    /// Results with their similarity scores.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<MemoryResult>,
}

/// Attributes of a memory update span.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemoryUpdate {
    /// Memory store or namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_store: Option<Str>,
    /// What the update does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<MemoryOperation>,
    /// Conversation thread.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<Str>,
    /// Resource (user, entity) whose memory was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<Str>,
    /// Ids of the records written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub record_ids: Vec<Str>,
    /// Number of records written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_count: Option<u64>,
}

/// One chunk a RAG query retrieved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetrievedChunk {
    /// Chunk id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Str>,
    /// Id of the document the chunk belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_id: Option<Str>,
    /// Chunk text, when captured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Relevance score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Chunk metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

/// Attributes of a RAG query span.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RagQuery {
    /// Vector store (`pgvector`, `qdrant`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector_store: Option<Str>,
    /// Index or collection searched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<Str>,
    /// Query text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Number of chunks asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u64>,
    /// Metadata filter applied to the search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<Value>,
    /// Embedding model used for the query vector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embedding_model: Option<Str>,
    /// Retrieved chunks with their relevance scores.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chunks: Vec<RetrievedChunk>,
}

impl RagQuery {
    /// Attributes of a search of `index` for `query`.
    pub fn new(index: impl Into<Str>, query: impl Into<String>) -> Self {
        RagQuery {
            index: Some(index.into()),
            query: Some(query.into()),
            ..RagQuery::default()
        }
    }
}
