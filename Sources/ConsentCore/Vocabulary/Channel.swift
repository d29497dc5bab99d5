/// A channel over which a subject can be contacted.
///
/// The interchange format accepts the channels listed in ``knownChannels``; the type is a struct so that a later
/// format version can add channels without breaking exhaustive code.
public struct Channel: ConsentIdentifier {
    /// The channel's name as written in files.
    public let rawValue: String
    /// Creates a channel.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// E-mail.
    public static let email = Channel("email")
    /// Text message.
    public static let sms = Channel("sms")
    /// Voice call.
    public static let phone = Channel("phone")
    /// Mobile push notification.
    public static let push = Channel("push")
    /// WeChat (official account or mini-program message).
    public static let wechat = Channel("wechat")
    /// Postal mail.
    public static let post = Channel("post")
    /// A message inside the app.
    public static let inApp = Channel("inApp")

    /// The channels of `consentkit.policy/1`.
    public static let knownChannels: [Channel] = [.email, .sms, .phone, .push, .wechat, .post, .inApp]
}
