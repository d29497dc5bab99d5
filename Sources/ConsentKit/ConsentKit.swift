// The umbrella module: `import ConsentKit` brings in every part of the library, so code written before the library
// was split into modules compiles unchanged. Code that wants less can import one part on its own (an app that only
// evaluates imports `ConsentCore` and links no file I/O); Documentation/Architecture.md says what each part holds.
@_exported public import ConsentCore
@_exported public import ConsentInterchange
@_exported public import ConsentStorage
@_exported public import ConsentTokens
