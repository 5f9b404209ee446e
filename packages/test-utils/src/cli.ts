console.error("keyrelay-mock-anthropic: not built yet")
