/** One principal per component in fixture.ts, so a test can tell which component's probe an assignment came from. */
export const PROBES: Record<string, string> = {
  monitoring: "00000000-0000-4000-8000-0000000000a1",
  network: "00000000-0000-4000-8000-0000000000a2",
  keyvault: "00000000-0000-4000-8000-0000000000a3",
  datalake: "00000000-0000-4000-8000-0000000000a4",
  orchestrator: "00000000-0000-4000-8000-0000000000a5",
  backup: "00000000-0000-4000-8000-0000000000a6",
  datafactory: "00000000-0000-4000-8000-0000000000a7",
  synapse: "00000000-0000-4000-8000-0000000000a8",
};
