import ArgumentParser
import Glibc
import TedgeProviderAPI

/// `--profile NAME`: which of a cloud's connections a command addresses (thin-edge's cloud profiles); without it,
/// `TEDGE_CLOUD_PROFILE`, where an empty value is the default profile.
struct ProfileOption: ParsableArguments {
    @Option(help: ArgumentHelp("The cloud profile (default: $TEDGE_CLOUD_PROFILE, else the default profile)", valueName: "NAME"))
    var profile: String?

    func selected() throws(TedgeError) -> CloudProfileName? {
        try CloudProfileName.selected(option: profile, environment: getenv("TEDGE_CLOUD_PROFILE").map { String(cString: $0) })
    }

    /// The cloud and profile `tedge connect` addresses: `az --profile second`, or `az.second` as thin-edge also takes.
    func cloudAndProfile(_ cloud: String) throws(TedgeError) -> (cloud: String, profile: CloudProfileName?) {
        guard profile == nil, let dot = cloud.firstIndex(of: ".") else { return (cloud, try selected()) }
        return (String(cloud[..<dot]), try CloudProfileName(String(cloud[cloud.index(after: dot)...])))
    }
}
