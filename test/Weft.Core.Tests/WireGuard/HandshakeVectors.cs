namespace Weft.Core.Tests.WireGuard;

/// <summary>
/// Output of Vectors/wg_reference.py (an independent Python reference of the WireGuard handshake):
/// fixed inputs, every intermediate chaining key and hash, and the exact messages and keys.
/// Regenerate with <c>python3 Vectors/wg_reference.py</c>.
/// </summary>
internal static class HandshakeVectors
{
    internal const string InitiatorStaticPrivate = "08685fa2d2c34a697308564a7c570f8e3c02541f195813a763510b0d796bc07e";
    internal const string InitiatorStaticPublic = "b3dfd4bc77bbaa8663ef5ae760aa26a817bc44519bfe07930bccd3b1d30bbd2c";
    internal const string ResponderStaticPrivate = "48814def9c15c684ea2cba24ea97c17a9d8d8aac0a693b9fd86102b762bb7150";
    internal const string ResponderStaticPublic = "ee73c39772b06483596755dffe0d3c35f9275e53d76109eed4941a60b0b60a0f";
    internal const string InitiatorEphemeralPrivate = "28e15b5d0723b330c81b129608562f69bc6ba50361ac093611c0e67a3423e257";
    internal const string InitiatorEphemeralPublic = "9a0ce3f8285697bfbe258358b79cfa4783db35d292a6ec923cab6caa36882e72";
    internal const string ResponderEphemeralPrivate = "b0eff4a7bee8eb98df38c3dbefe01b743bd9745a76d5ef5776834ea38eb9414b";
    internal const string ResponderEphemeralPublic = "9ac917a98782cfe66b0097dd4418f6e775ebf80938d1b9734f35930d02fe555e";
    internal const string PresharedKey = "2916a52cc6c65c110c902c97d4bdab476c0519e542caac0c4777fbae2106adfb";
    internal const uint InitiatorIndex = 0x1A2B3C4D;
    internal const uint ResponderIndex = 0x99887766;
    internal const string Timestamp = "400000006915c8e512345618";
    internal const string TransportPayload = "4500001c0000400040011c4c0a0000010a000002080077fa000100017765667421";
    internal const string CookieValue = "303132333435363738393a3b3c3d3e3f";
    internal const string CookieNonce = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7";
    internal const string InitialChainingKey = "60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36";
    internal const string InitialHash = "2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3";
    internal const string InitiationAfterStaticChainingKey = "3d9116c933b47e21cd8ef565dbb4c941a4b2f62e106b0f5a2f9711d548d3340e";
    internal const string InitiationAfterStaticHash = "109ac87e37b988e8d2a482216300b252bd625ce09112263fdc56bff6cb29e20e";
    internal const string InitiationChainingKey = "d3a32ec94e277c1c7f8642623840ec8e0d6d99a1917e20779511e0adb8a51661";
    internal const string InitiationHash = "d84f0c360f8e3a4641a8ae6a49307369317aee2ccaab5109aee3f1447fb38399";
    internal const string Initiation = "010000004d3c2b1a9a0ce3f8285697bfbe258358b79cfa4783db35d292a6ec923cab6caa36882e72a209abfdca4a7ce7ef5c20c3b78a01a1fee22fb44416ad79d6b90a2ddd25e1b2b6a90bd41214ac2c3ff14a836a9ed27e6c88099e52a1fd01106011cd294f83880dc6f90cce1b9896f782e19a7d948da549da65b4e98ef5af9ae08c8600000000000000000000000000000000";
    internal const string InitiationWithCookie = "010000004d3c2b1a9a0ce3f8285697bfbe258358b79cfa4783db35d292a6ec923cab6caa36882e72a209abfdca4a7ce7ef5c20c3b78a01a1fee22fb44416ad79d6b90a2ddd25e1b2b6a90bd41214ac2c3ff14a836a9ed27e6c88099e52a1fd01106011cd294f83880dc6f90cce1b9896f782e19a7d948da549da65b4e98ef5af9ae08c8696f8dc0fff34e7500d5d73dd05e20041";
    internal const string ResponseChainingKey = "7245c1147e58447ed6102694d17b2bdb2e2784595cf3611b219c043b9e6213df";
    internal const string ResponseHash = "340e80f869e1e7a24259053a0cc1ad57ecd20a7bcfef1278c3a849dccc313d65";
    internal const string Response = "02000000667788994d3c2b1a9ac917a98782cfe66b0097dd4418f6e775ebf80938d1b9734f35930d02fe555e7045ce1d06b26d0eaeffc9ea88c317dfad9d20d80c0cd9cb6e0020894091d53500000000000000000000000000000000";
    internal const string InitiatorSendKey = "009b13ca98ece6dac70ec9bf27d6a8b49869a1e0b2575a56aae3fcdf970a6c69";
    internal const string InitiatorReceiveKey = "5787196b5ad59c26e56ba809db4e2e191fa7f6c8f8521db631156013f3a85454";
    internal const string TransportPacket = "04000000667788990000000000000000408022aa6ad8954205f285bdad1c490d83cee7eacc465ef16f8f52b538f46dc8bfa147a8ac02a913d8e6d2973da162e4cbc51b978be4eea6573ccdda64526a74";
    internal const string ResponderKeepalive = "040000004d3c2b1a0000000000000000f5094a8b186ba60026b0d759ca9ef048";
    internal const string CookieReply = "030000004d3c2b1aa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7f35497de9b354a64608fd6279ef7fc4416a1773b650e5af85dd911d38e4e4044";
}
