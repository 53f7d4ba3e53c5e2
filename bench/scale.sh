#!/usr/bin/env bash
# The mesh scale report: the simulator at 200 and 1000 nodes in a random sparse topology prints
# virtual time to converge, adverts per node per minute at steady state, and routing memory per
# node (test/Weft.Simulation.Tests/Mesh/MeshScaleReport.cs). No pass/fail on the numbers. The
# 1000-node run takes about 15 minutes of wall time on a 2-core machine.
#
#   bash bench/scale.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet build test/Weft.Simulation.Tests -c Release
exec test/Weft.Simulation.Tests/bin/Release/net10.0/Weft.Simulation.Tests -trait "Category=Scale" -showLiveOutput
