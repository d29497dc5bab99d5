#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// The process's peak resident memory, as the kernel counts it: what `consent bench` reports as
/// `peakResidentBytes`.
enum PeakMemory {
    /// The high-water mark of resident memory in bytes, or `nil` where the platform does not say.
    static func residentBytes() -> Int? {
        var usage = rusage()
        #if canImport(Darwin)
            guard getrusage(RUSAGE_SELF, &usage) == 0 else { return nil }
            return Int(usage.ru_maxrss)  // bytes on Darwin
        #else
            guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return nil }
            return Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
        #endif
    }
}
