using System.Runtime.Versioning;
using Xunit.Sdk;
using Xunit.v3;

// Namespaces, veth pairs and TUN devices: these tests are Linux only.
[assembly: SupportedOSPlatform("linux")]

// System tests share the machine's CPUs and measure throughput and timing: run them one at a time.
[assembly: Parallelization(Mode = ParallelMode.None)]
