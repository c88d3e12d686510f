#ifndef TEDGE_CLUA_SHIM_H
#define TEDGE_CLUA_SHIM_H
// Lua 5.4, plus what Swift cannot import or must not do itself: the API's function-like macros, the
// allocator that enforces a state's memory budget, the count hook that enforces the instruction limit,
// and the trampoline that raises a Swift callback's error. lua_error longjmps: it must only ever unwind
// C and Lua frames, never Swift ones, so every raise happens here.
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

// What one state may use. The allocator's userdata, so the hook and the trampoline reach it through
// lua_getallocf.
typedef struct tedge_lua_budget {
    size_t used;
    size_t limit;
    // Above zero, the limit is not applied: outside a protected call an allocation failure would abort
    // the process (Lua's panic), and inside a Swift callback it would unwind Swift frames.
    int suspended;
    // Set by the hook once the instruction limit is reached; from then on every instruction fails.
    int instructions_exhausted;
} tedge_lua_budget;

static void *tedge_lua_allocate(void *userdata, void *pointer, size_t old_size, size_t new_size) {
    tedge_lua_budget *budget = (tedge_lua_budget *)userdata;
    // With no block, old_size names the kind of object, not a size.
    size_t previous = pointer ? old_size : 0;
    if (new_size == 0) {
        free(pointer);
        budget->used -= previous;
        return NULL;
    }
    if (new_size > previous && budget->suspended == 0 && budget->used - previous + new_size > budget->limit) return NULL;
    void *block = realloc(pointer, new_size);
    if (block) budget->used = budget->used - previous + new_size;
    return block;
}

static inline lua_State *tedge_lua_new_state(tedge_lua_budget *budget) { return lua_newstate(tedge_lua_allocate, budget); }

static inline tedge_lua_budget *tedge_lua_budget_of(lua_State *L) {
    void *userdata = NULL;
    lua_getallocf(L, &userdata);
    return (tedge_lua_budget *)userdata;
}

static void tedge_lua_count_hook(lua_State *L, lua_Debug *record) {
    (void)record;
    tedge_lua_budget_of(L)->instructions_exhausted = 1;
    // A script that catches the error with pcall meets it again at its very next instruction.
    lua_sethook(L, tedge_lua_count_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "instruction limit exceeded");
}

// Arms the limit for the next call: `count` instructions from now.
static inline void tedge_lua_arm_instruction_limit(lua_State *L, int count) {
    tedge_lua_budget_of(L)->instructions_exhausted = 0;
    lua_sethook(L, tedge_lua_count_hook, LUA_MASKCOUNT, count);
}

// A Swift callback: returns the number of results it pushed, or -1 with an error message on the stack.
typedef int (*tedge_lua_swift_function)(lua_State *L);

static int tedge_lua_swift_trampoline(lua_State *L) {
    tedge_lua_swift_function function = (tedge_lua_swift_function)lua_touserdata(L, lua_upvalueindex(1));
    tedge_lua_budget *budget = tedge_lua_budget_of(L);
    budget->suspended += 1;
    int results = function(L);
    budget->suspended -= 1;
    if (results < 0) return lua_error(L);
    return results;
}

// Pushes a Lua function that calls `function` with `context` as its second upvalue.
static inline void tedge_lua_push_swift_function(lua_State *L, tedge_lua_swift_function function, void *context) {
    lua_pushlightuserdata(L, (void *)function);
    lua_pushlightuserdata(L, context);
    lua_pushcclosure(L, tedge_lua_swift_trampoline, 2);
}

static inline void *tedge_lua_swift_context(lua_State *L) { return lua_touserdata(L, lua_upvalueindex(2)); }

// The macros.
static inline int tedge_lua_registry_index(void) { return LUA_REGISTRYINDEX; }
static inline void tedge_lua_pop(lua_State *L, int count) { lua_pop(L, count); }
static inline int tedge_lua_pcall(lua_State *L, int arguments, int results) { return lua_pcall(L, arguments, results, 0); }
static inline const char *tedge_lua_tostring(lua_State *L, int index, size_t *length) { return lua_tolstring(L, index, length); }
static inline void tedge_lua_newtable(lua_State *L) { lua_newtable(L); }
static inline void tedge_lua_remove(lua_State *L, int index) { lua_remove(L, index); }
static inline int tedge_lua_multret(void) { return LUA_MULTRET; }

// Opens one standard library under its global name (what luaL_openlibs does for all of them).
static inline void tedge_lua_open_library(lua_State *L, const char *name, lua_CFunction open) {
    luaL_requiref(L, name, open, 1);
    lua_pop(L, 1);
}
#endif
