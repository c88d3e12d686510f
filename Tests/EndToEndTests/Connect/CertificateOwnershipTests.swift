import Foundation
import Glibc
import TedgeRuntime
import TedgeSystem
import Testing

/// Run as root, `tedge cert create` gives the key and certificate the owner of their folder (the
/// package makes /etc/tedge/device-certs mosquitto's, so the bridge can read the 0400 key).
@Suite struct CertificateOwnershipTests {
    @Test(.enabled(if: getuid() == 0, "needs root to hand files to another user"))
    func filesTakeTheFolderOwner() async throws {
        let device = try await DeviceEnvironment()
        let folder = device.configDirectory + "/device-certs"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let nobody: uid_t = 65534
        #expect(chown(folder, nobody, gid_t(nobody)) == 0)
        device.expectSuccess(try await device.tedge("cert", "create", "--device-id", "owned"))
        for path in [device.keyPath, device.certificatePath] {
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_uid == nobody && info.st_gid == gid_t(nobody), "\(path) belongs to \(info.st_uid):\(info.st_gid)")
        }
        #expect(FileSystem.mode(device.keyPath) == 0o400)
    }

    @Test func aFolderOfRootsKeepsRootsFiles() async throws {
        let device = try await DeviceEnvironment()
        device.expectSuccess(try await device.tedge("cert", "create", "--device-id", "mine"))
        var info = stat()
        #expect(stat(device.keyPath, &info) == 0)
        #expect(info.st_uid == getuid())
    }
}
