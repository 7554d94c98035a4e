// A Mastra agent with one tool and a mock model, traced by @mastra/otel-exporter to the
// ai-telemetry server at $ENDPOINT with the key $SECRET. Prints the trace id.
import { Mastra } from "@mastra/core/mastra";
import { Agent } from "@mastra/core/agent";
import { createTool } from "@mastra/core/tools";
import { Observability } from "@mastra/observability";
import { OtelExporter } from "@mastra/otel-exporter";
import { MockLanguageModelV2, simulateReadableStream } from "ai/test";
import { z } from "zod";

const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15 };
let calls = 0;
const turn = () =>
  calls++ === 0
    ? [{ type: "tool-call", toolCallId: "call-1", toolName: "getWeather",
         input: JSON.stringify({ city: "Paris" }) }]
    : [{ type: "text-start", id: "t1" }, { type: "text-delta", id: "t1", delta: "It is sunny." },
       { type: "text-end", id: "t1" }];
const model = new MockLanguageModelV2({
  doGenerate: async () => {
    const first = calls++ === 0;
    return {
      content: first
        ? [{ type: "tool-call", toolCallId: "call-1", toolName: "getWeather",
             input: JSON.stringify({ city: "Paris" }) }]
        : [{ type: "text", text: "It is sunny." }],
      finishReason: first ? "tool-calls" : "stop",
      usage,
      warnings: [],
    };
  },
  doStream: async () => {
    const parts = turn();
    const finishReason = parts[0].type === "tool-call" ? "tool-calls" : "stop";
    return {
      stream: simulateReadableStream({
        chunks: [{ type: "stream-start", warnings: [] },
                 { type: "response-metadata", id: `r-${calls}`, modelId: "mock-model" },
                 ...parts, { type: "finish", finishReason, usage }],
      }),
    };
  },
});

const getWeather = createTool({
  id: "getWeather",
  description: "The weather in a city",
  inputSchema: z.object({ city: z.string() }),
  execute: async () => ({ forecast: "sunny" }),
});

const agent = new Agent({
  id: "weather-agent",
  name: "weather-agent",
  instructions: "Answer with the weather.",
  model,
  tools: { getWeather },
});

const mastra = new Mastra({
  agents: { agent },
  observability: new Observability({
    configs: {
      otel: {
        serviceName: "mastra-weather",
        exporters: [new OtelExporter({
          provider: { custom: {
            endpoint: process.env.ENDPOINT,
            protocol: "http/protobuf",
            headers: { authorization: `Bearer ${process.env.SECRET}` },
          } },
        })],
      },
    },
  }),
});

const result = await mastra.getAgent("agent").generate("Weather in Paris?", {
  tracingOptions: { metadata: { userId: "u-1", sessionId: "s-1" }, tags: ["beta", "eu"] },
});
console.error(`answer: ${result.text}`);
console.log(result.traceId);
await mastra.shutdown();
