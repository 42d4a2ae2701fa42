// Tokens of the spider language (see docs/language.md).
//
// Newlines are real tokens (NL). The front end (compiler/frontend/token_pass.cpp) decides
// which of them end a statement and drops the others (inside (), [] and map literals, after
// an operator or ',', before '.', 'elif', 'else', 'catch', 'finally'); it also retypes a
// '{' that opens a map literal as MAP_LBRACE, so the parser never has to guess.
lexer grammar SpiderLexer;

tokens { MAP_LBRACE }

// Hard keywords. 'spider', 'item', 'arg' and 'settings' are soft: they are also names.
ASYNC: 'async';
AWAIT: 'await';
DEF: 'def';
LET: 'let';
IF: 'if';
ELIF: 'elif';
ELSE: 'else';
FOR: 'for';
IN: 'in';
WHILE: 'while';
BREAK: 'break';
CONTINUE: 'continue';
RETURN: 'return';
YIELD: 'yield';
TRY: 'try';
CATCH: 'catch';
FINALLY: 'finally';
AND: 'and';
OR: 'or';
NOT: 'not';
TRUE: 'true';
FALSE: 'false';
NONE: 'none';
SPIDER: 'spider';
ITEM: 'item';
ARG: 'arg';
SETTINGS: 'settings';

LPAREN: '(';
RPAREN: ')';
LBRACK: '[';
RBRACK: ']';
LBRACE: '{';
RBRACE: '}';
COMMA: ',';
COLON: ':';
SEMI: ';';
DOT: '.';
ARROW: '->';
QUESTION: '?';
PLUS_ASSIGN: '+=';
MINUS_ASSIGN: '-=';
STAR_ASSIGN: '*=';
SLASH_ASSIGN: '/=';
EQ: '==';
NE: '!=';
LE: '<=';
GE: '>=';
LT: '<';
GT: '>';
ASSIGN: '=';
PLUS: '+';
MINUS: '-';
STAR: '*';
DSLASH: '//';
SLASH: '/';
PERCENT: '%';

// Escapes and f-string fields are validated and decoded by the AST transform, which can
// point at the exact bad character.
FSTRING: [fF] ( '"' DQ_CHAR* '"' | '\'' SQ_CHAR* '\'' );
RSTRING: [rR] ( '"' DQ_CHAR* '"' | '\'' SQ_CHAR* '\'' );
STRING: '"' DQ_CHAR* '"' | '\'' SQ_CHAR* '\'';
// A string that reaches the end of its line; longer-match rules make the terminated forms
// win whenever the closing quote exists.
UNTERMINATED_STRING: [fFrR]? ( '"' DQ_CHAR* | '\'' SQ_CHAR* );

FLOAT: DIGIT+ '.' DIGIT+ EXPONENT? | DIGIT+ EXPONENT;
INT: DIGIT+;
IDENT: [a-zA-Z_] [a-zA-Z_0-9]*;

NL: '\r\n' | '\n' | '\r';
WS: [ \t\f\uFEFF]+ -> skip;
COMMENT: '#' ~[\r\n]* -> skip;
// Anything else becomes one ERROR_CHAR token, reported as "unexpected character".
ERROR_CHAR: .;

fragment DQ_CHAR: '\\' ~[\r\n] | ~["\\\r\n];
fragment SQ_CHAR: '\\' ~[\r\n] | ~['\\\r\n];
fragment DIGIT: [0-9];
fragment EXPONENT: [eE] [+-]? DIGIT+;
